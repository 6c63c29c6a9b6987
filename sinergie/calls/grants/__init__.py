"""Company incentive grants: a company's plan of work-life measures, its grant agreement, report
and payment (services), who may act on them (access), and the referents' and alliance staff's
pages mounted at /incentivi/ under the namespace `incentives` (forms, views, urls)."""
