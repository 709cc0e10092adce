"""Tests that drive the pages in a real headless Chromium."""
