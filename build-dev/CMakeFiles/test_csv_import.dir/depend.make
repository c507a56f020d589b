# Empty dependencies file for test_csv_import.
# This may be replaced when dependencies are built.
