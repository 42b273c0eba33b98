"""Reports: recurring issues, customer profiles, personas."""
