"""Working-day calendars: national holidays, the city's make-up working days and days off, office
hours, and the arithmetic every deadline in GovIndex uses."""
