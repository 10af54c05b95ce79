"""Writing outputs: one JSON encoder, atomic files, SageMaker's schemas."""
