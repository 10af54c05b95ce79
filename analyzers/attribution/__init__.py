"""Feature attribution drift (Clarify explainability): Kernel SHAP and the nDCG of global attributions."""
