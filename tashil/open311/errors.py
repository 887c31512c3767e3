from __future__ import annotations


class Open311Error(Exception):
    """Answered with the spec's error body and `status`: 400 for a request that cannot be
    fulfilled, 403 for a missing or wrong api_key (or a key that may not do this), 404 for
    what does not exist or may not be seen. `descriptions` are for people, translated."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)
