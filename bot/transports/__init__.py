"""Platform adapters. Only modules in this package may import a platform SDK."""
