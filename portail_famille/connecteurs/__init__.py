"""Pure HTTP clients of the income APIs (API Particulier, API Impôt particulier).

Plain Python (stdlib + requests): settings come in through the constructors, a Redis client is
passed in when limits and locks must be shared, and nothing here knows Flask or the database.
Callers import the module they use (`api_particulier`, `impot_particulier`, `limiteur`, `erreurs`).
"""
