"""Language-aware text helpers shared by the NLU components, the channels and the actions."""
