"""Who may open a page: the declaration each app's `urls.py` keeps next to its URLs (issue 12, point 2).

Every URL that takes an object's id, slug or code is declared in the `ACCESS` dict of the module
that names it (`{"url-name": allow(...)}`); the ninja APIs, mounted in `sinergie/urls.py`, are
declared there by their namespaced name. `sinergie/web/tests/test_access_matrix.py` walks the
URLconf, fails for a URL without a declaration, and asks each URL with GET as every persona below,
in a world where each persona stands in a known relationship to the object the URL names:

- `anonymous`: nobody signed in;
- `citizen`: the person who owns the object when a person does (applicant, voucher holder, plan
  owner), otherwise just a signed-in citizen; `other_citizen`: another citizen;
- `operator`: an information-point operator of the owner's alliance;
- `provider` / `other_provider`: staff of the provider that owns the object / of another provider;
- `referent` / `other_referent`: referent of the company that owns the object / of another company;
- `alliance_staff` / `other_alliance_staff`: staff of the alliance that runs or oversees the
  object / of another alliance;
- `evaluator`: an evaluator of the owner's alliance, assigned to the application;
- `analyst`: an analyst of an observatory;
- `admin`: a platform administrator (with a second factor).

A persona in `allow(...)` must get the page (200, or a redirect that is not to the login page);
anyone else must not (403, 404, or the login page for `anonymous`). These are rules about who,
not about what: the access modules (`*/access.py`) still decide, this only says what they must
answer. Pure data, so that every layer may import it.
"""

from __future__ import annotations

PERSONAS = (
    "anonymous",
    "citizen",
    "other_citizen",
    "operator",
    "provider",
    "other_provider",
    "referent",
    "other_referent",
    "alliance_staff",
    "other_alliance_staff",
    "evaluator",
    "analyst",
    "admin",
)


def allow(*personas: str) -> frozenset[str]:
    """The personas that may open the page; a name not in PERSONAS is a mistake caught at import."""
    unknown = set(personas) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas in an access declaration: {sorted(unknown)}")
    return frozenset(personas)


PUBLIC = allow(*PERSONAS)
SIGNED_IN = PUBLIC - {"anonymous"}
ADMIN = allow("admin")
