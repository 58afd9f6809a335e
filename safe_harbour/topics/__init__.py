"""The topic registry (topics/registry.yml): what each topic is, read by the NLU components, the triage card
and the console, and checked against everything else that names topics (`python -m safe_harbour.topics`)."""
