"""Transit: the stops and lines within walking distance of each school, and how often they run."""
