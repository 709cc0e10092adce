"""The app as a whole: HTTP plumbing, OpenAPI, translations, migrations, the demo and the benchmark season."""
