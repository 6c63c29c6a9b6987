"""The demo: fictitious alliances, organisations, people and activity loaded from every app's
`demo` module in dependency order, and the `sinergie demo` command that sets up and serves it.
It sits at the top of the layers, beside `web`: it may import any app, and no app imports it."""
