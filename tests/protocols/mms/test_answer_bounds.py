"""A cloud server cannot make the MMS client read an endless answer (issue 13, item 8)."""

from __future__ import annotations

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsConnectionError,
    MmsResponseTooLargeError,
)
from custom_components.hubrelay.protocols.mms.client import MAX_ANSWER_BYTES
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import ClientFactory


async def test_a_login_answer_above_the_limit_is_refused(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    flood = " " * (MAX_ANSWER_BYTES + 1)
    cloud.bodies = {"auth": flood, "auth_alt": flood}
    with pytest.raises(MmsResponseTooLargeError, match="exceeds the limit") as caught:
        await make_client().login()
    assert isinstance(caught.value, MmsConnectionError)  # "retry later" for the integration
