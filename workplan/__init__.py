"""The unit's work plan: units, yearly plans, quarters, change areas, pokja, the
commitment matrix with its required evidence, and the activity plan."""
