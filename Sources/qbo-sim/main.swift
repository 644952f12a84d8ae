print("qbo-sim")
