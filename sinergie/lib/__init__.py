"""Pure helpers with no Django models: dates, money, geometry, environment parsing."""
