"""The SageMaker Model Monitor container: contract, input, orchestration and output."""
