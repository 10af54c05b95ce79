"""The record a ``preprocess_handler`` receives: AWS's documented ``CapturedData`` shape, nothing of ours.

AWS's developer guide (model-monitor-pre-and-post-processing, the class it prints) builds it from one
capture line: ``endpoint_input`` / ``endpoint_output`` / ``batch_transform_output`` / ``ground_truth`` are
``EventData`` (``data`` the captured text as is, ``encoding``, ``observedContentType``, ``mode``) or None;
``event_metadata`` has ``event_id``, ``event_time`` (the capture's ``inferenceTime``) and ``custom_attribute``
(the capture's ``customAttributes``: a list of strings, or None); plus ``event_version`` and ``event_dict``
(the whole line as a dict). Names AWS's own samples reach for that its class lacks are here too, as aliases
(``observed_content_type``, ``inference_time``, ``inference_id``, ``event_data``), so those scripts run.
"""

from __future__ import annotations

from typing import Any


class EventData:
    __slots__ = ("data", "encoding", "mode", "observedContentType")

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data.get("data")
        self.encoding = data.get("encoding")
        self.observedContentType = data.get("observedContentType")
        self.mode = data.get("mode")

    @property
    def observed_content_type(self) -> str | None:
        return self.observedContentType

    def as_dict(self) -> dict[str, Any]:
        return {"data": self.data, "encoding": self.encoding, "observedContentType": self.observedContentType, "mode": self.mode}

    def __repr__(self) -> str:
        return f"EventData({self.as_dict()!r})"


class EventMetadata:
    __slots__ = ("custom_attribute", "event_id", "event_time", "inference_id")

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.event_id = metadata.get("eventId")
        self.event_time = metadata.get("inferenceTime")
        self.custom_attribute = metadata.get("customAttributes")
        self.inference_id = metadata.get("inferenceId")

    @property
    def inference_time(self) -> str | None:
        return self.event_time


class CapturedData:
    """One captured record, as AWS's prebuilt container hands it to ``preprocess_handler``."""

    __slots__ = (
        "batch_transform_output",
        "endpoint_input",
        "endpoint_output",
        "event_dict",
        "event_metadata",
        "event_version",
        "ground_truth",
    )

    def __init__(self, event_dict: dict[str, Any]) -> None:
        self.event_dict = event_dict
        capture = event_dict.get("captureData") if isinstance(event_dict.get("captureData"), dict) else {}
        metadata = event_dict.get("eventMetadata")
        self.event_metadata = EventMetadata(metadata) if isinstance(metadata, dict) else None
        self.endpoint_input = _event_data(capture.get("endpointInput"))
        self.endpoint_output = _event_data(capture.get("endpointOutput"))
        self.batch_transform_output = _event_data(capture.get("batchTransformOutput"))
        self.ground_truth = _event_data(event_dict.get("groundTruthData"))
        self.event_version = event_dict.get("eventVersion")

    @property
    def event_data(self) -> EventData | None:
        """Read by AWS's introduction notebook's preprocessor; not in AWS's class: the input, for such scripts."""
        return self.endpoint_input

    def as_dict(self) -> dict[str, Any]:
        return self.event_dict

    def __str__(self) -> str:
        return str(self.event_dict)

    __repr__ = __str__


def _event_data(value: object) -> EventData | None:
    return EventData(value) if isinstance(value, dict) else None
