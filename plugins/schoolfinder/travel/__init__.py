"""Travel: the router, the walk + transit network, and the minutes from every cell to every school."""
