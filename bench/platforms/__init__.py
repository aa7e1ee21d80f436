"""Local servers that answer like the platforms' APIs (documented requests, answers, errors) for tests, benches."""
