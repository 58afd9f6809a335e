"""Custom Rasa graph components, referenced by module path in config.yml."""
