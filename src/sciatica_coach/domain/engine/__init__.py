"""Session engine: a prescription becomes a script of timed phases; a record says what was done."""
