"""The families' search of the directory, by what each step does.

- `query`: the one parser of a search's parameters (API or page) into a `ServiceSearch`, with
  a message per bad parameter; the limits a search may ask for.
- `results`: `services_search`, which runs a `ServiceSearch` and returns a page of `ServiceHit`.
- `filters`: each filter as a condition on the rows of the search tables.
- `text`: the typed words as stems, the condition that each be found, the relevance score.
- `near`: the centre, the radius and the nearest-first reading of the sites.
- `loading`: the page's services with everything they show, in one query.
- `sql`: table names, array parameters and planner settings per database.

The rows searched are kept by sinergie.directory.search_index; when a service runs (dates,
opening hours, school closure periods) is in sinergie.directory.selectors.
"""
