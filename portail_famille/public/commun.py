"""What the simulator page and its JSON twin share."""

# The simulator and the API reach the tariff engine from outside: bounded per address (I6).
LIMITE_SIMULATEUR = "60 per minute"
