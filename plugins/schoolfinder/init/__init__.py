"""`schoolfinder init FOLDER`: scan a city's files, guess the mappings, write a draft city.toml and check it."""
