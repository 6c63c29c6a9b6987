"""Organizations, people's memberships with roles, and alliances with their territory."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergie.territory.models import District, Municipality


class OrganizationKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance")
    PUBLIC_BODY = "public_body", _("Public body")
    COMPANY = "company", _("Company")
    PROVIDER = "provider", _("Service provider")
    INFO_POINT_HOST = "info_point_host", _("Information point host")
    ASSOCIATION = "association", _("Association or union")
    OBSERVATORY = "observatory", _("Observatory")


class Role(models.TextChoices):
    ALLIANCE_STAFF = "alliance_staff", _("Alliance staff")
    EVALUATOR = "evaluator", _("Evaluator")
    COMPANY_REFERENT = "company_referent", _("Company referent")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")
    INFO_POINT_OPERATOR = "info_point_operator", _("Information point operator")
    CASE_OPERATOR = "case_operator", _("Case operator")
    ANALYST = "analyst", _("Analyst")


# Which roles make sense in which kind of organization.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.ALLIANCE: frozenset({Role.ALLIANCE_STAFF, Role.EVALUATOR, Role.INFO_POINT_OPERATOR}),
    OrganizationKind.PUBLIC_BODY: frozenset(
        {Role.INFO_POINT_OPERATOR, Role.CASE_OPERATOR, Role.EVALUATOR, Role.ALLIANCE_STAFF}
    ),
    OrganizationKind.COMPANY: frozenset({Role.COMPANY_REFERENT}),
    OrganizationKind.PROVIDER: frozenset({Role.PROVIDER_STAFF, Role.INFO_POINT_OPERATOR}),
    OrganizationKind.INFO_POINT_HOST: frozenset({Role.INFO_POINT_OPERATOR}),
    OrganizationKind.ASSOCIATION: frozenset({Role.INFO_POINT_OPERATOR, Role.CASE_OPERATOR}),
    OrganizationKind.OBSERVATORY: frozenset({Role.ANALYST}),
}


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    vat_number = models.CharField(_("VAT number"), max_length=11, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Demo data is fictitious and every page showing it must say so.
    is_demo = models.BooleanField(_("fictitious demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def description(self, language: str) -> str:
        if language == "en" and self.description_en:
            return self.description_en
        return self.description_it or self.description_en


class Membership(models.Model):
    """A person holds a role in an organization; managers also manage its members."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_manager = models.BooleanField(_("manages the organization's members"), default=False)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="organizations_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"


class Alliance(models.Model):
    """A local work-life balance alliance: its organization, territory and partners."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="alliance"
    )
    health_agency = models.CharField(_("health agency (ATS)"), max_length=120, blank=True)
    districts = models.ManyToManyField(
        District, verbose_name=_("social districts"), related_name="alliances", blank=True
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("member municipalities"), related_name="alliances", blank=True
    )
    partners = models.ManyToManyField(
        Organization,
        through="AlliancePartner",
        verbose_name=_("partners"),
        related_name="alliance_partnerships",
        blank=True,
    )

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return self.organization.name


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead body")
    PUBLIC = "public", _("Public partner")
    PRIVATE = "private", _("Private partner")


class AlliancePartner(models.Model):
    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE)
    role = models.CharField(_("role in the alliance"), max_length=16, choices=PartnerRole.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("alliance partner")
        verbose_name_plural = _("alliance partners")
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "organization"], name="organizations_partner_unique"),
            models.UniqueConstraint(
                fields=["alliance"], condition=models.Q(role="lead"), name="organizations_one_lead_per_alliance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"
