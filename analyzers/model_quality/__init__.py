"""Model quality against ground truth, in AWS's metric names, nesting and constraint format."""
