"""lakestack's awsglue package for Python shell jobs: the parts a Python shell script uses (awsglue.utils)."""
