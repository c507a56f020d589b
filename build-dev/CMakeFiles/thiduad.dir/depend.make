# Empty dependencies file for thiduad.
# This may be replaced when dependencies are built.
