from tests.platforms.lazada.helpers import harness

__all__ = ["harness"]
