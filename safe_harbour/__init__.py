"""Support code for the Safe Harbour assistant: text handling, NLU components, channels."""
