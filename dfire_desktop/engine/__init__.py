"""The asyncio engine. It never imports Qt; the window, `serve` and the
tests all drive it through `dfire_desktop.engine.service.Engine`."""
