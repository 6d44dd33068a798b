"""GridBot core: settings, storage, services, dispatch, transports and web."""
