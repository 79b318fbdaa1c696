import pytest

from consular.documents import signing


@pytest.fixture
def keys(settings, tmp_path) -> signing.Signer:
    """A country signing root and its first signer, in a folder of this test's own."""
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"
    signing.create_root()
    return signing.issue_signer()
