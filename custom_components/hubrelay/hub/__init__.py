"""What every hub system shares: coordinator base, base entity, the system interface, forms.

Nothing here knows Loxone, Ezlo or Vera; the system packages build on it.
"""
