"""Package resources of labeling_functions (lexicons, fitted label models); see README in build_lexicons.py."""
