"""The problems: the problem record, the kind registry and its families, banks, recipes, sheets."""
