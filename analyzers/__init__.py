"""Pure analyzers over columnar data: profiles, sketches, checks. Nothing here reads files or the environment."""
