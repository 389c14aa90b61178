"""Domain errors that the API turns into 4xx responses naming the field."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input the client can fix; `loc` names the field as FastAPI does."""

    def __init__(self, loc: tuple[str | int, ...] | str, message: str, status_code: int = 422) -> None:
        self.loc = (loc,) if isinstance(loc, str) else loc
        self.message = message
        self.status_code = status_code
        super().__init__(f"{'.'.join(str(p) for p in self.loc)}: {message}")

    def detail(self) -> list[dict[str, object]]:
        return [{"loc": list(self.loc), "msg": self.message, "type": "value_error"}]


class NotFound(LookupError):
    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key!r} not found")


class NotReady(RuntimeError):
    """A component the request needs is not prepared yet (model not trained, KB not ingested)."""
