from tests.staff.conftest import fresh_rate_limits

__all__ = ["fresh_rate_limits"]
