"""How right and how fast the extractor is: evaluation against gold, benchmarks, fuzzing."""
