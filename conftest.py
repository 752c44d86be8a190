"""Test-session settings shared by tests/ and compat_tests/.

OpenMP's default spin-waiting makes tiny torch steps many times slower on a busy 2-core machine; the
setting only takes effect if made before torch loads, which is why it lives here.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TORKERAS_DEVICE", "cpu")
