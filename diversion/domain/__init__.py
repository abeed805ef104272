"""The schemes' rules in plain Python: no Flask, no SQLAlchemy. Functions take `today` and policy values."""
