"""Finding records by any spelling of their names: keys, scores, and the index a build writes."""
