"""Measuring the model: intent accuracy and F1 on labelled messages."""
