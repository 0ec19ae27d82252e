"""How training sessions read and look: cards, notices, the live view, the workbook, the QR poster."""
