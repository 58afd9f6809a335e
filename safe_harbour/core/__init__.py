"""Custom dialogue components (policies), referenced by module path in config.yml."""
