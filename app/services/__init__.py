"""Write operations and the rules of the domain; views stay thin."""
