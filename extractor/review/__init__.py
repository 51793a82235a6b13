"""Review: a static HTML site showing each letter with what was extracted marked on it."""

from .site import build_site

__all__ = ["build_site"]
