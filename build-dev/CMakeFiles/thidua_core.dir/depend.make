# Empty dependencies file for thidua_core.
# This may be replaced when dependencies are built.
