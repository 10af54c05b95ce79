"""The names the bias step gives its own columns: the joined label and the thresholded prediction."""

LABEL, PREDICTED = "__label", "__predicted_label"
