"""Reading the dataset and the baseline into columnar batches and typed values."""
